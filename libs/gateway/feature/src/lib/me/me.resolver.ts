import { Inject } from '@nestjs/common';
import { Args, ArgsType, Field, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ArticleMarksDto, ReadingListDto, ReadingListQueryDto, SavedSearchDto, SubscriptionDto, UserDto } from './me.dto';
import { mapMarkChange, mapMarks, mapReadingList, mapReadingListRequest, mapSavedSearch, mapSubscription, mapUser } from './me.mapper';
import { Access, AccessPolicy } from '../auth/access';

@ArgsType()
export class SetArticleStateArgs {
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  articleId!: string;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  read?: boolean;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  starred?: boolean;
}

/** The caller's account and library over GraphQL (an API key is required, as for /api/v1/me). */
@Access(AccessPolicy.KeyHolder)
@Resolver(() => UserDto)
export class MeResolver {
  constructor(@Inject(STORAGE_CLIENT) private readonly storage: StorageClient) {}

  @Query(() => UserDto, { description: "The API key's user." })
  async me(@CurrentCaller() caller: Caller): Promise<UserDto> {
    return mapUser((await this.storage.getUser({}, { actor: caller.userId })).user);
  }

  @Query(() => ReadingListDto, { description: 'Your reading list: articles of the sources you follow, newest first, with your marks.' })
  async readingList(@CurrentCaller() caller: Caller, @Args() args: ReadingListQueryDto): Promise<ReadingListDto> {
    return mapReadingList(await this.storage.listUserArticles(mapReadingListRequest(args), { actor: caller.userId }));
  }

  @Query(() => [SubscriptionDto], { description: 'The sources you follow, with your folders.' })
  async subscriptions(@CurrentCaller() caller: Caller): Promise<SubscriptionDto[]> {
    return (await this.storage.listSubscriptions({}, { actor: caller.userId })).subscriptions.map((subscription) => mapSubscription(subscription, caller));
  }

  @Query(() => [SavedSearchDto], { description: 'Your saved searches.' })
  async savedSearches(@CurrentCaller() caller: Caller): Promise<SavedSearchDto[]> {
    return (await this.storage.listSavedSearches({}, { actor: caller.userId })).searches.map(mapSavedSearch);
  }

  @Mutation(() => ArticleMarksDto, { description: 'Mark an article read/unread and starred/unstarred (an omitted mark stays).' })
  async setArticleState(@CurrentCaller() caller: Caller, @Args() args: SetArticleStateArgs): Promise<ArticleMarksDto> {
    const { marks } = await this.storage.setArticleState(
      { articleId: args.articleId, read: mapMarkChange(args.read), starred: mapMarkChange(args.starred) },
      { actor: caller.userId },
    );
    return mapMarks(marks);
  }
}
